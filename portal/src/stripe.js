// Stripe.js, loaded from the origin the portal's configuration names (Stripe's own when deployed; the
// local Stripe emulator's under `make run`): card data goes from the browser to Stripe, never to us.
import { portalConfig } from "./config.js";

let loading = null;

export function loadStripe() {
  if (!loading) {
    loading = (async () => {
      const config = await portalConfig();
      await new Promise((loaded, failed) => {
        const script = document.createElement("script");
        script.src = config.stripe_js;
        script.onload = loaded;
        script.onerror = () => failed(Object.assign(new Error("stripe.js"), { code: "network_error" }));
        document.head.append(script);
      });
      return window.Stripe(config.stripe_publishable_key);
    })();
    loading.catch(() => {
      loading = null; // a later try loads it again
    });
  }
  return loading;
}
