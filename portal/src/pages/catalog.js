// Product and price names for what an account holds: people read "Cloudcraft Pro — Annual", not ids.

const cache = new Map();

export async function priceWithProduct(api, priceId) {
  if (!cache.has(priceId)) {
    cache.set(
      priceId,
      (async () => {
        const price = await api.call("GET", `/v1/prices/${priceId}`);
        const product = await api.call("GET", `/v1/products/${price.product}`);
        return { ...price, productName: product.name };
      })(),
    );
  }
  return cache.get(priceId);
}

export async function allPrices(api) {
  const listed = await api.call("GET", "/v1/prices", { params: { limit: 100 } });
  return listed.data;
}

export function planName(price) {
  return price.nickname ? `${price.productName} — ${price.nickname}` : price.productName;
}
