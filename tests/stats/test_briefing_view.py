"""The dashboard's 工作简报 download: the same briefing as ``anjian report``, within the user's jurisdiction."""

from __future__ import annotations

import io

from django.test import Client
from docx import Document

from anjian.stats.briefing import briefing_markdown
from anjian.stats.scope import build_scope

H1 = {"date_from": "2024-01-01", "date_to": "2024-06-30"}


def get(county, persona: str, **params):
    c = Client()
    c.force_login(county.users[persona])
    return c.get("/stats/briefing/", params)


def test_markdown_is_the_commands_briefing(facts):
    r = get(facts.county, "county_admin", region="430626", format="md", **H1)
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/markdown")
    assert "attachment" in r["Content-Disposition"]
    scope = build_scope(region="430626", date_from="2024-01-01", date_to="2024-06-30")
    assert r.content.decode() == briefing_markdown(scope)
    # The fixture county has hazards in the first half of 2024: the hazards section is there.
    assert "隐患" in r.content.decode()


def test_docx_reads_back_with_the_title(facts):
    r = get(facts.county, "county_admin", region="430626", **H1)
    assert r.status_code == 200
    doc = Document(io.BytesIO(r.content))
    title = doc.paragraphs[0].text
    assert title.startswith("平江县") and "上半年" in title


def test_scope_and_roles(facts):
    county = facts.county
    ok = get(county, "township", region="430626101", format="md", **H1)
    assert ok.status_code == 200
    assert "安定镇" in ok.content.decode()
    assert get(county, "township", region="430626102", format="md", **H1).status_code == 404
    assert get(county, "other_county_admin", region="430626", **H1).status_code == 404
    for persona in ("unit_staff", "grid_worker", "expert"):
        assert get(county, persona, region="430626", **H1).status_code == 403, persona
    assert get(county, "leader", region="430626", format="md", **H1).status_code == 200


def test_bad_input_is_not_a_download(facts):
    county = facts.county
    assert get(county, "county_admin", region="430626", format="pdf", **H1).status_code == 404
    r = get(county, "county_admin", region="430626", date_from="2024-07-01", date_to="2024-01-01")
    assert r.status_code == 200 and "attachment" not in r.get("Content-Disposition", "")
    assert r.context["form"].errors
