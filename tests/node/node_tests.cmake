# Included by tests/node/CMakeLists.txt: test folders of node/ beyond p2p and http.
# api: the credit endpoints (node/api_credit*.cc), alerts, webhook, watchlist.
if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/api/CMakeLists.txt)
  add_subdirectory(${CMAKE_CURRENT_LIST_DIR}/api ${CMAKE_CURRENT_BINARY_DIR}/api)
endif()
# core: the node's own pieces (config, mempool, block sync).
if(EXISTS ${CMAKE_CURRENT_LIST_DIR}/core/CMakeLists.txt)
  add_subdirectory(${CMAKE_CURRENT_LIST_DIR}/core ${CMAKE_CURRENT_BINARY_DIR}/core)
endif()
