"""The matcher's special labels and the reasons it gives for a match: one definition for the
matcher, the desk and the web app (a module without dependencies, so any of them may import it)."""

from __future__ import annotations

# Labels whose answer is not a help article: the catalogue's search, a person, nobody here.
COURSE_SEARCH = "course_search"
HUMAN = "human"
OUT_OF_SCOPE = "out_of_scope"
SPECIAL_LABELS = (COURSE_SEARCH, HUMAN, OUT_OF_SCOPE)
# Labels whose answer is a person, not an article or search results.
HANDOFF_LABELS = frozenset({HUMAN, OUT_OF_SCOPE})

# Why a match came out as it did (`Match.reason`): the model's best label; the best label was
# not sure enough; out_of_scope within the ratio of the best label; the hand-over model judged
# the question out of scope; a hand-off phrase; nothing left after normalising; no matcher
# trained yet (the web app's stand-in).
BY_MODEL = "model"
BELOW_THRESHOLD = "below_threshold"
NEAR_OUT_OF_SCOPE = "near_out_of_scope"
BY_HANDOVER_MODEL = "handover_model"
HANDOFF_PHRASE = "handoff_phrase"
EMPTY = "empty"
NO_MODEL = "no_model"
# The reasons that mean "not sure", as against "judged outside what the articles cover".
UNSURE = frozenset({BELOW_THRESHOLD, EMPTY, NO_MODEL})
