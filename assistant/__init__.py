"""The service desk: help articles, the question matcher, conversations and the hand-off to people."""
