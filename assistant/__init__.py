"""The service desk: help articles, the question matcher, conversations, the hand-off to people."""
