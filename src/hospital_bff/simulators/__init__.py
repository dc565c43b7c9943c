"""The outside systems' simulators (the contract's `simulators.md`): the HIS, the bank (WeChat
Pay v3), WeChat and Alipay, each speaking only what the real system publishes. Only the app
(embedded under /sim) and the CLI (`hospital-bff sim`) import them; never production.

The HIS, the bank and Alipay are packages built one way: `records` (plain data), `state` (what
it holds), `rules` (what changes it), `serialise` (the wire shapes), `endpoints` (module-level
HTTP handlers reading the app's state), `app` (the factory), and where the real system signs, a
`signing` of its own, written from the published spec and not from our client's. WeChat's two
small modules (sign-in, push) are not split yet. `persistence` keeps their records
across a demo's restarts; `server` runs them alone.
"""
