"""Helpers shared by the CLV tests."""


def sig3(value: float) -> float:
    """``value`` rounded to three significant digits, as the papers print them."""
    return float(f"{value:.3g}")
