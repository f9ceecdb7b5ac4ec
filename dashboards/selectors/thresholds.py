"""Yellow and red warning levels with hysteresis, so a count hovering at a threshold does not flap."""

YELLOW, RED = "yellow", "red"
_ORDER = {None: 0, YELLOW: 1, RED: 2}


def warning_level(*, value: int, yellow: int, red: int, current: str | None, clear_percent: int) -> str | None:
    """The level for `value`, given the level shown now. A level is entered at its threshold and left only once
    the value falls below `clear_percent` % of it. A threshold of 0 is switched off."""

    def holds(threshold: int, level: str) -> bool:
        if not threshold:
            return False
        if value >= threshold:
            return True
        return _ORDER[current] >= _ORDER[level] and value * 100 >= threshold * clear_percent

    if holds(red, RED):
        return RED
    if holds(yellow, YELLOW):
        return YELLOW
    return None


def highest(*levels: str | None) -> str | None:
    return max(levels, key=lambda level: _ORDER[level])
