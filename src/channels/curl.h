#pragma once

#include <curl/curl.h>

#include <memory>

#include "core/status.h"

namespace secinfo::channels {

// What the libcurl providers (SMTP mail, HTTP SMS) share.

// curl_global_init is not thread-safe and must run once before any handle exists: every provider
// calls this when it is created. Internal when libcurl could not initialize.
Status InitCurlOnce();

struct CurlCleanup {
  void operator()(CURL* curl) const { curl_easy_cleanup(curl); }
};
struct SlistFree {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using CurlHandle = std::unique_ptr<CURL, CurlCleanup>;
using CurlList = std::unique_ptr<curl_slist, SlistFree>;

}  // namespace secinfo::channels
