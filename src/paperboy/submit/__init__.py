"""Paper submission: a signed-in user features an arXiv paper on today's feed (parse, fetch, rules, store)."""
