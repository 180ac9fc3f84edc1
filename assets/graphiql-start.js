// Starts the embedded GraphiQL against this service: queries and mutations over HTTP, subscriptions
// over WebSocket (graphql-transport-ws) on the same path. Headers typed in the Headers tab (e.g.
// `{"Authorization": "Bearer ..."}`) go with every HTTP request and in the WebSocket's
// connection_init payload.
(function () {
  var url = location.origin + '/graphql';
  var wsUrl = url.replace(/^http/, 'ws');
  var headersKey = 'graphiql:headers';
  function savedHeaders() {
    try { return JSON.parse(localStorage.getItem(headersKey) || '{}'); } catch (e) { return {}; }
  }
  var fetcher = GraphiQL.createFetcher({
    url: url,
    subscriptionUrl: wsUrl,
    wsConnectionParams: savedHeaders(),
  });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      isHeadersEditorEnabled: true,
      shouldPersistHeaders: true,
      defaultEditorToolsVisibility: true,
    })
  );
})();
