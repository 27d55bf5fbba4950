from summit import create_app

app = create_app()
