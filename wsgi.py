"""Entry point for gunicorn (`gunicorn wsgi:app`) and the flask CLI (`flask --app wsgi ...`)."""
import gc

from eventsapp import create_app

app = create_app()
# What start-up made (the app, the libraries, SQLAlchemy's mappers, the translations: some 400,000 objects)
# lives as long as the process. Frozen, the collector's full passes leave it out: a cold render of a big feed
# sets off several (the agenda of 1,000 talks took 400 ms instead of 270; benchmarks/feeds.py).
gc.collect()  # start-up's garbage goes first: frozen, it would never be freed
gc.freeze()
