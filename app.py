"""Gradio web app (built in the web-app issue). The only module that imports gradio."""
