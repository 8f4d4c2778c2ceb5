"""HTML pages: server-rendered, plain CSS, a little vanilla JS."""
