"""Request plumbing shared by the pages and the JSON API: admission, caching, HEAD, health."""
