"""The Markdown table of one run: each figure beside its PostgreSQL floor, measured in the same run."""


def _ratio(value, floor) -> str:
    if not value or not floor:
        return "–"
    return f"{value / floor:.1%}"


def _ms(value) -> str:
    return "–" if value is None else f"{value:g}"


def markdown(results: dict) -> str:
    machine = results["machine"]
    lines = [
        f"Run `{results['size']}` of {machine['date']}, commit `{machine['commit']}`: {machine['cpus']} × "
        f"{machine['cpu']}, {machine['memory']}, Python {machine['python']}, {machine['postgresql']}. Serving: "
        f"{results['serving']['mode'].upper()}, {results['serving']['web_workers']} web workers.",
        "",
        "| operation | the hall | p50 / p99 ms | PostgreSQL floor | floor p50 / p99 ms | hall ÷ floor |",
        "|---|---|---|---|---|---|",
    ]
    for row in results["issue"]:
        floor = row["floor"]
        lines.append(
            f"| take a number, {row['clients']} clients, {row['queues']} queue{'s' if row['queues'] > 1 else ''} "
            f"| {row['per_second']}/s | {_ms(row['p50_ms'])} / {_ms(row['p99_ms'])} | {floor['per_second']} tps "
            f"| {_ms(floor['p50_ms'])} / {_ms(floor['p99_ms'])} | {_ratio(row['per_second'], floor['per_second'])} |"
        )
    empty = results.get("empty_view")
    if empty:
        lines.append(
            f"| an empty API view (the framework's floor), {empty['clients']} clients | {empty['per_second']}/s "
            f"| {_ms(empty['p50_ms'])} / {_ms(empty['p99_ms'])} | – | – | – |"
        )
    for row in results["call_and_finish"]:
        floor = row.get("floor")
        label = f"call next + finish, {row['clerks']} clerks"
        if "backlog" in row:
            label += f", draining {row['backlog']:,} tickets"
        latency = f"call {_ms(row['call']['p50_ms'])} / {_ms(row['call']['p99_ms'])}, finish " + (
            f"{_ms(row['finish']['p50_ms'])} / {_ms(row['finish']['p99_ms'])}"
        )
        if floor:
            lines.append(
                f"| {label} | {row['cycles_per_second']} cycles/s | {latency} | {floor['per_second']} cycles/s "
                f"| {_ms(floor['p50_ms'])} / {_ms(floor['p99_ms'])} "
                f"| {_ratio(row['cycles_per_second'], floor['per_second'])} |"
            )
        else:
            lines.append(f"| {label} | {row['cycles_per_second']} cycles/s | {latency} | – | – | – |")
    for row in results["fanout"]:
        floor = row.get("floor") or {}
        lines.append(
            f"| {row['sockets']:,} display sockets, calls at {row['calls_per_second']}/s | event → screen, "
            f"{row['missing']:,} of {row['calls'] * row['sockets']:,} missing | {_ms(row['p50_ms'])} / "
            f"{_ms(row['p99_ms'])} | sockets alone: {floor.get('missing', '–')} missing "
            f"| {_ms(floor.get('p50_ms'))} / {_ms(floor.get('p99_ms'))} "
            f"| {_ratio(floor.get('p99_ms'), row['p99_ms'])} (p99) |"
        )
    for row in results["snapshot"]:
        lines.append(
            f"| big-screen snapshot, {row['windows']} windows, {row['tickets']:,} tickets | {row['queries']} queries "
            f"| median {row['median_ms']}, p95 {row['p95_ms']} | – | – | – |"
        )
    lines += _licences(results.get("licences"))
    lines += _reviews(results.get("reviews"))
    lines += _cores(results)
    lines += [
        "",
        "| database check after | duplicate numbers | gaps | double calls | lost | counter drift |",
        "|---|---|---|---|---|---|",
    ]
    for name, check in results["checks"].items():
        lines.append(
            f"| {name} | {check['duplicate_numbers']} | {check['gaps']} | {check['double_calls']} | {check['lost']} "
            f"| {check['counter_drift']} |"
        )
    return "\n".join(lines) + "\n"


def _cores(results: dict) -> list[str]:
    """Where the two cores went during each load scenario (1.0 = one core all the time)."""
    rows = []
    for row in results["issue"]:
        rows.append((f"take a number, {row['clients']} clients, {row['queues']} queues", row.get("cores")))
    for row in results["call_and_finish"]:
        rows.append((f"call next + finish, {row['clerks']} clerks", row.get("cores")))
    for row in results["fanout"]:
        rows.append((f"{row['sockets']:,} display sockets", row.get("cores")))
    if results.get("empty_view"):
        rows.append(("an empty API view", results["empty_view"]["cores"]))
    rows = [(label, cores) for label, cores in rows if cores]
    if not rows:
        return []
    parts = sorted({part for _label, cores in rows for part in cores})
    lines = ["", f"| cores used during | {' | '.join(parts)} | total |", "|---|" + "---|" * (len(parts) + 1)]
    for label, cores in rows:
        figures = " | ".join(f"{cores.get(part, 0):.2f}" for part in parts)
        lines.append(f"| {label} | {figures} | {sum(cores.values()):.2f} |")
    return lines


def _reviews(row: dict | None) -> list[str]:
    """Reviews: a month's and a year's figures through the selectors beside the hand-written aggregate; giving one."""
    if not row:
        return []
    f, submit = row["figures"], row["submit"]
    month = f"{row['rows']:,} reviews, {f['month_reviews']:,} this month"
    year = f"{row['rows']:,} reviews, {f['year_reviews']:,} this year"
    lines = []
    for key, label, floor_key, scale in (
        ("month_total", "the month's totals", None, month),
        ("month_per_day", "the month per day", None, month),
        ("month_per_department", "the month per department", "floor_month_per_department", month),
        ("month_per_clerk", "the month per clerk", "floor_month_per_clerk", month),
        ("month_per_matter", "the month per matter", None, month),
        ("year_per_month", "the year per month", "floor_year_per_department", year),
    ):
        floor, hall = f.get(floor_key) or {}, f[key]
        lines.append(
            f"| review figures: {label} ({scale}) | in process | {_ms(hall['p50_ms'])} / {_ms(hall['p95_ms'])} "
            f"(p50 / p95) | {'hand-written aggregate' if floor else '–'} "
            f"| {_ms(floor.get('p50_ms'))} / {_ms(floor.get('p95_ms'))} "
            f"| {_ratio(floor.get('p50_ms'), hall['p50_ms'])} |"
        )
    lines.append(
        f"| give a review (checks, rules, rectification, outbox), one after another | {submit['per_second']}/s "
        f"| {submit['ms_each']} ms each | a bare INSERT a transaction: {submit['floor_per_second']}/s "
        f"| {submit['floor_ms_each']} ms | {_ratio(submit['per_second'], submit['floor_per_second'])} |"
    )
    return lines


def _licences(row: dict | None) -> list[str]:
    """The registry: import beside PostgreSQL's own COPY, the lookups in process, verification over HTTP."""
    if not row:
        return []
    first, again, floor = row["import"], row["reimport"], row["floor"]
    lookups = row["lookups"]
    lines = [
        f"| import {first['rows']:,} licences (PostgreSQL bulk path) | {first['rows_per_second']:,} rows/s "
        f"| {first['seconds']} s | COPY into the same indexes: {floor['rows_per_second']:,} rows/s "
        f"| {floor['seconds']} s "
        f"| {_ratio(first['rows_per_second'], floor['rows_per_second'])} |",
        f"| the same file again ({again['unchanged']:,} unchanged) | {again['rows_per_second']:,} rows/s "
        f"| {again['seconds']} s | – | – | – |",
    ]
    if first.get("checking_rows_per_core_second"):
        lines.append(
            f"| the import's stages alone: checking, one core; merging, one backend "
            f"| {first['checking_rows_per_core_second']:,} / {first['merging_rows_per_second']:,} rows/s "
            f"| – | – | – | – |"
        )
    for name, label in (("by_holder", "a holder's licences"), ("by_identifier", "a licence by identifier")):
        figures = lookups[name]
        lines.append(
            f"| {label}, {first['rows']:,} in the registry (service) | {figures['lookups']:,} lookups "
            f"| {_ms(figures['p50_ms'])} / {_ms(figures['p99_ms'])} | – | – | – |"
        )
    http = row.get("verify_http") or {}
    for figures in http.values():
        load = f"{figures['rate']} a second" if "rate" in figures else f"{figures['clients']} clients, closed loop"
        lines.append(
            f"| verify a licence over HTTP, {load} | {figures['per_second']}/s "
            f"| {_ms(figures['p50_ms'])} / {_ms(figures['p99_ms'])} | – | – | – |"
        )
    return lines
