"""Seed a migrated database for bench_hazard_api.py: a county, its units, and API users with tokens.

    DATABASE_URL=… ANJIAN_VAR_DIR=… .venv/bin/python bench/hazard_seed.py OUT.json [--users 200] [--units 1000]

平江县's 25 townships, 4 grids each, a county office and one township office each, N units
spread over the grids, and as many reporting users as the benchmark has clients: half grid
workers (each the worker of one grid, reporting as 网格员报告 on that grid's units), half unit
safety officers (each reporting 企业自查 on its own unit). Each user gets an API token; only
its SHA-256 is stored, as ``anjian token`` does. Passwords are unusable: the API never hashes
one (bearer tokens are a sha256 lookup), and Argon2 for 200 users would only slow the seeding.

Writes OUT.json: [{"token": …, "role": …, "units": [ids], "source": …, "self_check_level": …}, …].
Not a test: called by the benchmark in a child process with the benchmark's DATABASE_URL.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import secrets
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))

SEED = 20261126


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--units", type=int, default=1000)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anjian.settings")
    import django

    django.setup()
    from django.db import transaction
    from ledger_data import PINGJIANG_TOWNSHIPS

    from anjian.accounts.models import ApiToken, Organization, OrgKind, User
    from anjian.accounts.roles import Role
    from anjian.core import uscc
    from anjian.regions.models import Division, Grid, Level
    from anjian.units.models import Sector, Unit

    rng = random.Random(SEED)
    with transaction.atomic():
        hunan, _ = Division.objects.get_or_create(
            code="430000000000", defaults={"name": "湖南省", "level": Level.PROVINCE}
        )
        yueyang, _ = Division.objects.get_or_create(
            code="430600000000", defaults={"name": "岳阳市", "level": Level.CITY, "parent": hunan}
        )
        county, _ = Division.objects.get_or_create(
            code="430626000000", defaults={"name": "平江县", "level": Level.COUNTY, "parent": yueyang}
        )
        Organization.objects.get_or_create(
            kind=OrgKind.COUNTY_OFFICE, region_code=county.code, defaults={"name": "平江县安委办"}
        )
        grids: list[Grid] = []
        orgs: dict[str, Organization] = {}
        for code, name in PINGJIANG_TOWNSHIPS:
            township, _ = Division.objects.get_or_create(
                code=code.ljust(12, "0"), defaults={"name": name, "level": Level.TOWNSHIP, "parent": county}
            )
            orgs[code], _ = Organization.objects.get_or_create(
                kind=OrgKind.TOWNSHIP, region_code=township.code, defaults={"name": f"{name}人民政府"}
            )
            for g in range(1, 5):
                grid, _ = Grid.objects.get_or_create(
                    township=township, name=f"{name}第{g}网格", defaults={"region_code": township.code}
                )
                grids.append(grid)
        sectors = list(Sector.objects.all())
        existing = Unit.objects.filter(name__startswith="压测").count()
        units = []
        for i in range(existing, args.units):
            grid = grids[i % len(grids)]
            units.append(
                Unit(
                    name=f"压测{i:05d}号有限公司",
                    credit_code=uscc.make(f"91430626{900000000 + i:09d}"),
                    region_code=grid.region_code,
                    grid=grid,
                    sector=rng.choice(sectors),
                    principal="张三",
                    phone="0730-6220000",
                )
            )
        Unit.objects.bulk_create(units, batch_size=1000)
        all_units = list(Unit.objects.filter(name__startswith="压测").order_by("id")[: args.units])
        by_grid: dict[int, list[int]] = {}
        for unit in all_units:
            assert unit.grid_id is not None
            by_grid.setdefault(unit.grid_id, []).append(unit.pk)

        clients = []
        users = []
        tokens = []
        run = secrets.token_hex(3)
        for i in range(args.users):
            raw = f"aj_bench_{run}_{i}_{secrets.token_urlsafe(16)}"
            if i % 2 == 0:
                grid = grids[(i // 2) % len(grids)]
                user = User(
                    username=f"bench_grid_{run}_{i}",
                    role=Role.GRID_WORKER,
                    org=orgs[grid.region_code[:9]],
                    grid=grid,
                    full_name=f"网格员{i}",
                )
                entry = {"role": "grid_worker", "units": by_grid[grid.pk], "source": "grid", "self_check_level": ""}
            else:
                unit = all_units[(i // 2) % len(all_units)]
                user = User(
                    username=f"bench_unit_{run}_{i}", role=Role.UNIT_STAFF, unit=unit, full_name=f"安全员{i}"
                )
                entry = {"role": "unit_staff", "units": [unit.pk], "source": "self_check", "self_check_level": "post"}
            user.set_unusable_password()
            users.append(user)
            clients.append({"token": raw, **entry})
        User.objects.bulk_create(users)
        created = User.objects.filter(username__contains=f"_{run}_").order_by("id")
        for user, client in zip(created, clients, strict=True):
            raw = client["token"]
            tokens.append(ApiToken(user=user, name="压测", prefix=raw[:8], digest=ApiToken.hash(raw)))
        ApiToken.objects.bulk_create(tokens)
    args.out.write_text(json.dumps(clients, ensure_ascii=False))
    print(f"seeded: {len(grids)} grids, {len(all_units)} units, {len(clients)} users with tokens")
    return 0


if __name__ == "__main__":
    sys.exit(main())
