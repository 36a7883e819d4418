"""Coupons, promotion codes and referrals."""
