"""The web page's behaviour without gradio (:mod:`vanban.web.view`); ``app.py`` wires it."""
