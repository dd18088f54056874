# creditd: the node library and daemon (included from node/CMakeLists.txt).
if(TARGET cc_p2p AND TARGET cc_http AND TARGET cc_contracts)
  add_library(cc_node STATIC
    ${CMAKE_CURRENT_LIST_DIR}/admission.cc
    ${CMAKE_CURRENT_LIST_DIR}/alerts.cc
    ${CMAKE_CURRENT_LIST_DIR}/api_chain.cc
    ${CMAKE_CURRENT_LIST_DIR}/api_credit.cc
    ${CMAKE_CURRENT_LIST_DIR}/api_credit_common.cc
    ${CMAKE_CURRENT_LIST_DIR}/api_credit_views.cc
    ${CMAKE_CURRENT_LIST_DIR}/api_credit_watch.cc
    ${CMAKE_CURRENT_LIST_DIR}/api_credit_writes.cc
    ${CMAKE_CURRENT_LIST_DIR}/api_json.cc
    ${CMAKE_CURRENT_LIST_DIR}/block_sync.cc
    ${CMAKE_CURRENT_LIST_DIR}/config.cc
    ${CMAKE_CURRENT_LIST_DIR}/consensus_driver.cc
    ${CMAKE_CURRENT_LIST_DIR}/contracts_executor.cc
    ${CMAKE_CURRENT_LIST_DIR}/credit_json.cc
    ${CMAKE_CURRENT_LIST_DIR}/credit_quota.cc
    ${CMAKE_CURRENT_LIST_DIR}/credit_webhook.cc
    ${CMAKE_CURRENT_LIST_DIR}/log.cc
    ${CMAKE_CURRENT_LIST_DIR}/mempool.cc
    ${CMAKE_CURRENT_LIST_DIR}/node.cc
    ${CMAKE_CURRENT_LIST_DIR}/watchlist.cc
    ${CMAKE_CURRENT_LIST_DIR}/worker_pool.cc)
  target_link_libraries(cc_node PUBLIC cc_contracts cc_ledger cc_p2p cc_http
    nlohmann_json::nlohmann_json Threads::Threads)
  if(TARGET cc_consensus)
    target_link_libraries(cc_node PUBLIC cc_consensus)
    add_executable(creditd ${CMAKE_CURRENT_LIST_DIR}/main.cc)
    target_link_libraries(creditd PRIVATE cc_node)
  endif()
endif()
