// The portal's runtime configuration, beside the bundle: where the API is (deployed: API Gateway's URL; under
// `make run`: this origin) and where Stripe.js comes from, with the publishable key.
let loading = null;

export function portalConfig() {
  loading = loading || fetch("config.json", { cache: "no-store" }).then((answer) => answer.json());
  return loading;
}
