"""AWS Marketplace, the third caller: buyers registered, their agreements and licenses followed, metered."""
