"""The web flow: upload → preview with progress → 确认导入 → result; a job is its uploader's only."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from anjian.ledgers.models import ImportJob, JobStatus
from anjian.units.models import Unit
from tests.ledgers.conftest import unit_row, write_csv, write_xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, path, name=None):
    data = SimpleUploadedFile(name or path.name, path.read_bytes(), content_type=XLSX)
    return client.post(reverse("ledgers:import", args=["units"]), {"file": data})


def text(response) -> str:
    """The page's visible text, tags dropped and spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_upload_preview_confirm_import(county, client, tmp_path, django_capture_on_commit_callbacks):
    client.force_login(county.users["county_admin"])
    chem = county.units["chem_a"]
    rows = [unit_row(1), unit_row(2), unit_row(3, 单位名称=chem.name, 统一社会信用代码=chem.credit_code)]
    path = write_xlsx(tmp_path / "台账.xlsx", rows)
    before = Unit.objects.count()

    page = client.get(reverse("ledgers:import", args=["units"]))
    assert page.status_code == 200
    assert re.search(r'<label class="form-label" for="id_file">选择文件</label>', page.content.decode())
    assert '<button type="submit" class="btn btn-primary">上传并预检</button>' in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, path)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("ledgers:job", args=[job.pk])
    assert (job.filename, job.status, job.user) == ("台账.xlsx", JobStatus.READY, county.users["county_admin"])
    assert (job.rows_done, job.rows_total) == (3, 3)
    assert Unit.objects.count() == before  # the preview wrote nothing

    page = client.get(response["Location"])
    assert "预检通过：共 3 行，将新增 2 个，将更新 1 个，未变 0 个。" in text(page)
    assert "确认导入" in text(page)
    assert "hx-trigger" not in page.content.decode()  # done: no more polling

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ledgers:confirm", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == JobStatus.DONE
    assert Unit.objects.count() == before + 2
    chem.refresh_from_db()
    assert chem.address == "安定镇工业园3号"
    done = client.get(response["Location"])
    assert "导入完成：共 3 行，新增 2 个，更新 1 个，未变 0 个。" in text(done)
    assert f'href="{reverse("units:list")}"' in done.content.decode()

    # A second click does not import twice.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ledgers:confirm", args=[job.pk]), follow=True)
    assert "该文件未通过预检或已在导入，不能再次确认" in text(response)
    assert Unit.objects.count() == before + 2


def test_bad_file_shows_the_errors_in_a_table(county, client, tmp_path, django_capture_on_commit_callbacks):
    client.force_login(county.users["township"])
    path = write_csv(tmp_path / "bad.csv", [unit_row(1), unit_row(2, 所属区划="430626102", 网格="")], "gb18030")

    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, path)
    page = client.get(response["Location"])

    job = ImportJob.objects.get()
    assert job.status == JobStatus.REJECTED
    assert "发现 1 处错误，未写入任何数据" in text(page)
    assert (
        '<td class="text-nowrap">第3行</td><td class="text-nowrap">所属区划</td><td>该单位不在您的管辖范围内</td>'
        in (page.content.decode())
    )
    assert "确认导入" not in text(page)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("ledgers:confirm", args=[job.pk]))
    assert not Unit.objects.filter(name__startswith="平江县测试").exists()


def test_the_job_page_polls_while_the_job_runs(county, client):
    client.force_login(county.users["county_admin"])
    job = ImportJob.objects.create(
        ledger="units",
        user=county.users["county_admin"],
        filename="大文件.xlsx",
        status=JobStatus.VALIDATING,
        rows_done=2500,
        rows_total=10000,
    )

    page = client.get(reverse("ledgers:job", args=[job.pk])).content.decode()
    partial = client.get(reverse("ledgers:job_status", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()

    for html in (page, partial):
        assert f'hx-get="{reverse("ledgers:job_status", args=[job.pk])}"' in html
        assert 'hx-trigger="every 1s"' in html
        assert "正在预检：已处理 2500 / 10000 行" in re.sub(r"\s+", " ", html)
        assert '<progress class="w-100" max="10000" value="2500"' in html
    assert "<html" not in partial  # the partial alone, not the page
    assert "style=" not in page and "<script>" not in page  # the CSP forbids inline style and script


def test_progress_of_the_import_itself_comes_from_the_job_queue(county, client):
    """The import's transaction hides its own row updates, so its progress goes through the queue's store."""
    from huey.contrib.djhuey import HUEY

    client.force_login(county.users["county_admin"])
    job = ImportJob.objects.create(
        ledger="units", user=county.users["county_admin"], filename="a.xlsx", status=JobStatus.IMPORTING
    )
    url = reverse("ledgers:job_status", args=[job.pk])
    assert "写入前复核" in text(client.get(url))

    HUEY.put(f"anjian:ledger-job:{job.pk}", ("write", 300, 1000))
    try:
        html = client.get(url).content.decode()
    finally:
        HUEY.delete(f"anjian:ledger-job:{job.pk}")
    assert "正在写入：已处理 300 / 1000 行" in re.sub(r"\s+", " ", html)
    assert 'hx-trigger="every 1s"' in html


def test_a_user_cannot_see_another_users_job(county, client, tmp_path, django_capture_on_commit_callbacks):
    client.force_login(county.users["county_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, write_xlsx(tmp_path / "a.xlsx", [unit_row(1)]))
    job = ImportJob.objects.get()

    client.force_login(county.users["township"])  # same county, another person
    for name in ("ledgers:job", "ledgers:job_status"):
        assert client.get(reverse(name, args=[job.pk])).status_code == 404
    assert client.post(reverse("ledgers:confirm", args=[job.pk])).status_code == 404
    job.refresh_from_db()
    assert job.status == JobStatus.READY
    assert not Unit.objects.filter(name="平江县测试1号化工有限公司").exists()


def test_upload_limits(county, client, tmp_path, settings):
    client.force_login(county.users["county_admin"])
    path = write_xlsx(tmp_path / "a.xlsx", [unit_row(1)])
    settings.LEDGER_UPLOAD_MAX_BYTES = 1024 * 1024
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * (1024 * 1024 + 1))

    too_big = upload(client, big)
    wrong_type = upload(client, path, name="a.pdf")

    assert too_big.status_code == 200
    assert "文件过大：上限为 1 MB，本文件 1.0 MB" in text(too_big)
    assert "仅支持 .xlsx 和 .csv 文件" in text(wrong_type)
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("persona", ["leader", "grid_worker", "unit_staff"])
def test_only_importers_may_upload(county, client, tmp_path, persona):
    client.force_login(county.users[persona])
    assert client.get(reverse("ledgers:import", args=["units"])).status_code == 403
    assert upload(client, write_xlsx(tmp_path / "a.xlsx", [unit_row(1)])).status_code == 403
    assert not ImportJob.objects.exists()


def test_unknown_ledger_is_404(county, client):
    client.force_login(county.users["county_admin"])
    for name in ("ledgers:import", "ledgers:template", "ledgers:export"):
        assert client.get(reverse(name, args=["nonsense"])).status_code == 404
