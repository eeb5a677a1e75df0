"""Text in any of a room's languages: the one sentence splitter, script detection (CJK text
has no spaces), accent folding and blocklist matching."""
