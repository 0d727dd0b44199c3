""" "Ask the data": a question in Chinese or English → a structured query (parser), answered
over the rollups (answer), or refused with the reason."""
