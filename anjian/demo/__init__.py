"""The demo county: 平江县 (430626) with fictional units and one account per role.

A plain package, not a Django app. ``anjian load-demo`` (run by ``make run`` on an empty
database) calls :func:`anjian.demo.loader.load_demo`:

- ``plan``   — the deterministic generator (seeded ``random.Random``, no database);
- ``names``  — trade-name parts, unit-name templates per sector, sector weights;
- ``geo``    — the county boundary (``data/pingjiang.geojson``) and point-in-polygon sampling;
- ``hazards`` — about 1,500 hazards of the last 15 months in every state, told through the services;
- ``activity`` — campaigns, inspections, enforcement, interviews, accidents and outreach of last
  year and this year to date;
- ``tipoffs`` — about 40 tip-offs of the last 14 months in every state, linked to demo hazards and
  penalties, with rewards in every state, told through the tip-off services;
- ``patrols`` — the grid patrols of the last 60 days (coverage uneven by grid and township), recorded
  through patrol_record;
- ``annual_plans`` — this year's 年度监督检查计划 of the county office, 应急管理局 (both approved) and
  安定镇 (a draft), through the plan services;
- ``assessments`` — the root campaign's monthly assessment of the townships (scheme, previous months
  computed, older ones published, the latest a draft, two adjustments), through the campaign services;
- ``loader`` — writes divisions, organisations, grids, units, accounts and 包联, then the above.
"""
