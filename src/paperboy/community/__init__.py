"""Community features shared by the pages and the JSON API: upvotes, comments and moderation."""
