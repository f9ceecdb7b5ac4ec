"""Channel group names: one per centre, never one global group."""


def center_group(center_id: int) -> str:
    return f"center-{center_id}"
