"""A simulated Alipay open-platform gateway: `alipay.system.oauth.token` and nothing else.

Like the real gateway it answers every call with HTTP 200: the token in
`alipay_system_oauth_token_response`, a refusal in `error_response` {code, msg, sub_code,
sub_msg}, each signed (RSA2) with Alipay's key over the node's JSON text; it checks the app's
RSA2 signature over the sorted parameters with the app's public key, as Alipay does with the
key the app uploaded. `POST /authorize {"userId"}` stands for the user agreeing in Alipay.

One concept a module: `signing` (RSA2, the gateway's own), `rules` (codes, tokens and the
checks of a call), `endpoints` (HTTP), `app` (the routes).
"""

from hospital_bff.simulators.alipay.app import create_alipay_app, create_demo_alipay_app

__all__ = ["create_alipay_app", "create_demo_alipay_app"]
