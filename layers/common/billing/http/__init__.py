"""REST API: Powertools routers over the use cases; no AWS or Stripe here."""

from pydantic import BaseModel

# Every request and view model is built (its validator and serializer compiled) at its first use, not when its
# module is imported: a cold API request uses a few of the hundred-odd models, and building them all took
# ~50 ms of each cold start. Set here, before any of the package's models is declared.
BaseModel.model_config["defer_build"] = True
