"""Layouts: how a dump is laid out, and how it splits into documents.

Each layout scores how well a dump fits its structure; the best fit splits it. Layouts look at
structure (line shapes, dates, outlet lines), never at file names; site vocabulary comes from the
rulebook (profiles).
"""

from zhnews.transforms.layouts.detect import LAYOUTS, detect_layout, split_dump

__all__ = ["LAYOUTS", "detect_layout", "split_dump"]
