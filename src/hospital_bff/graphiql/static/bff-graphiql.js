/*
 * hospital-bff's GraphiQL page: the vendored GraphiQL (UMD globals React, ReactDOM, GraphiQL,
 * GraphiQLPluginExplorer, graphqlWs) with
 *  - queries and mutations over HTTP POST to the page's own /graphql, with the headers editor's
 *    headers (less an Authorization that holds no token);
 *  - subscriptions over graphql-transport-ws on the same path, the headers editor's headers
 *    sent as the connection_init payload (where the server reads `Authorization`), one socket
 *    per set of headers;
 *  - in demo mode, "Sign in (demo)": the simulated WeChat's consent page, back here with a
 *    one-time code, exchanged with `signIn` for a token put into the headers editor.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("bff-graphiql-config").textContent);
  var endpoint = new URL(config.endpoint, window.location.href);
  var h = React.createElement;
  var STATE_KEY = "hospital-bff:graphiql:sign-in-state";
  var SIGN_IN = [
    "mutation SignIn($code: String!) {",
    "  signIn(platform: WECHAT, code: $code) {",
    "    __typename",
    "    ... on SignInSuccess { token }",
    "    ... on UserError { code message }",
    "  }",
    "}",
  ].join("\n");
  var WELCOME = [
    "# hospital-bff's GraphQL API; the schema is in Docs and Explorer on the left.",
    "# Run with Ctrl-Enter or the ▶ button: signed out, the public catalogue answers.",
    config.demoSignIn
      ? "# The person icon signs you in as a demo patient (its token goes into Headers).\n"
      : "",
    "query Departments {",
    "  departments {",
    "    id",
    "    name",
    "  }",
    "}",
    "",
  ].join("\n");

  // Signed out, the editor holds "Bearer " ready for a token; sent as it is, the server would
  // refuse it, so an Authorization with no token is left out of the request.
  function headersFor(token) {
    return JSON.stringify({ Authorization: "Bearer " + (token || "") }, null, 2);
  }

  function withoutEmptyAuthorization(headers) {
    var kept = {};
    Object.keys(headers || {}).forEach(function (name) {
      var value = headers[name];
      var empty = typeof value === "string" && /^\s*(bearer\s*)?$/i.test(value);
      if (!(name.toLowerCase() === "authorization" && empty)) {
        kept[name] = value;
      }
    });
    return kept;
  }

  // --- the fetcher ---------------------------------------------------------------------------

  var overHttp = GraphiQL.createFetcher({ url: endpoint.href });
  var sockets = new Map();

  function socketFor(headers) {
    var params = headers || {};
    var key = JSON.stringify(params);
    var client = sockets.get(key);
    if (!client) {
      var url = new URL(endpoint.href);
      url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
      client = graphqlWs.createClient({
        url: url.href,
        connectionParams: params,
        lazy: true,
        lazyCloseTimeout: 1000,
      });
      sockets.set(key, client);
    }
    return client;
  }

  function isSubscription(params, documentAST) {
    if (!documentAST) {
      return /^\s*subscription\b/m.test(params.query || "");
    }
    var operations = documentAST.definitions.filter(function (d) {
      return d.kind === "OperationDefinition";
    });
    var chosen = params.operationName
      ? operations.find(function (d) {
          return d.name && d.name.value === params.operationName;
        })
      : operations.length === 1
        ? operations[0]
        : undefined;
    return Boolean(chosen && chosen.operation === "subscription");
  }

  function fetcher(params, opts) {
    var sent = Object.assign({}, opts, { headers: withoutEmptyAuthorization(opts && opts.headers) });
    if (isSubscription(params, sent.documentAST)) {
      return socketFor(sent.headers).iterate(params);
    }
    return overHttp(params, sent);
  }

  // --- the demo sign-in ---------------------------------------------------------------------

  function randomState() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
  }

  function startSignIn() {
    var state = randomState();
    window.sessionStorage.setItem(STATE_KEY, state);
    var target = new URL(config.demoSignIn.authorizeUrl, window.location.href);
    target.search = new URLSearchParams({
      appid: config.demoSignIn.appId,
      redirect_uri: window.location.origin + window.location.pathname,
      response_type: "code",
      scope: "snsapi_base",
      state: state,
    }).toString();
    target.hash = "wechat_redirect";
    window.location.assign(target.href);
  }

  // Back from the consent page with ?code&state: exchange the code once, then drop it from
  // the address. The state must be the one this tab sent (no one else's code lands here).
  async function finishSignIn() {
    var params = new URLSearchParams(window.location.search);
    if (!params.has("code")) {
      return null;
    }
    var expected = window.sessionStorage.getItem(STATE_KEY);
    window.sessionStorage.removeItem(STATE_KEY);
    window.history.replaceState(null, "", window.location.pathname);
    if (!expected || params.get("state") !== expected) {
      return { error: "Sign-in ignored: it was not started from this page." };
    }
    try {
      var response = await fetch(endpoint.href, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ query: SIGN_IN, variables: { code: params.get("code") } }),
      });
      var body = await response.json();
      var result = body.data && body.data.signIn;
      if (result && result.token) {
        return { token: result.token };
      }
      var reason = (result && result.message) || (body.errors && body.errors[0].message);
      return { error: "Sign-in failed: " + (reason || "HTTP " + response.status) };
    } catch (exc) {
      return { error: "Sign-in failed: " + exc };
    }
  }

  // --- the page -----------------------------------------------------------------------------

  // A person with an arrow in: drawn like GraphiQL's own toolbar icons (stroke, no fill).
  function SignInIcon() {
    return h(
      "svg",
      {
        className: "graphiql-toolbar-icon",
        viewBox: "0 0 24 24",
        fill: "none",
        stroke: "currentColor",
        strokeWidth: 1.5,
        strokeLinecap: "round",
        "aria-hidden": "true",
      },
      h("circle", { cx: 9, cy: 7, r: 3.5 }),
      h("path", { d: "M2.5 20c0-3.6 2.9-6.5 6.5-6.5s6.5 2.9 6.5 6.5" }),
      h("path", { d: "M16 9.5h6M19.5 7l2.5 2.5-2.5 2.5" }),
    );
  }

  function SignInButton() {
    return h(
      GraphiQL.React.ToolbarButton,
      { label: "Sign in (demo)", onClick: startSignIn, className: "bff-sign-in" },
      h(SignInIcon),
    );
  }

  function Page(props) {
    var children = [
      h(GraphiQL.Toolbar, { key: "toolbar" }, function (buttons) {
        return h(
          React.Fragment,
          null,
          buttons.prettify,
          buttons.merge,
          buttons.copy,
          config.demoSignIn ? h(SignInButton) : null,
        );
      }),
    ];
    if (props.notice) {
      children.push(
        h(GraphiQL.Footer, { key: "footer" }, h("p", { className: "bff-notice", role: "status" }, props.notice)),
      );
    }
    return h(
      GraphiQL,
      {
        fetcher: fetcher,
        plugins: [GraphiQLPluginExplorer.explorerPlugin()],
        defaultQuery: WELCOME,
        // Only a fresh token replaces what the editor kept from the last visit (it then opens
        // in a tab of its own); new tabs start signed out.
        headers: props.token ? headersFor(props.token) : undefined,
        defaultHeaders: headersFor(null),
        defaultEditorToolsVisibility: "headers",
        isHeadersEditorEnabled: true,
        shouldPersistHeaders: true,
        inputValueDeprecation: true,
      },
      children,
    );
  }

  async function main() {
    var outcome = config.demoSignIn ? await finishSignIn() : null;
    var props = { token: null, notice: null };
    if (outcome && outcome.token) {
      props.token = outcome.token;
      props.notice = "Signed in (demo): the token is in the headers editor.";
    } else if (outcome) {
      props.notice = outcome.error;
    }
    ReactDOM.createRoot(document.getElementById("graphiql")).render(h(Page, props));
  }

  main();
})();
