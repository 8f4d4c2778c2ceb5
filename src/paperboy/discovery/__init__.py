"""Discovery services shared by the HTML pages, the JSON API and the feeds: trending, feed documents."""
