"""The bounds of every list's `limit` and `offset`, so no page asks the database for a
number it cannot hold (an offset past 2^63 was a server error)."""

LIMIT_MAX = 100
# 10,000 pages of 100: further than anyone pages; a larger offset is refused (422).
OFFSET_MAX = 1_000_000
