#include "channels/curl.h"

#include <mutex>
#include <string>

namespace secinfo::channels {

Status InitCurlOnce() {
  static std::once_flag once;
  static CURLcode code = CURLE_OK;
  std::call_once(once, [] { code = curl_global_init(CURL_GLOBAL_DEFAULT); });
  if (code != CURLE_OK) {
    return Status::Internal(std::string("libcurl did not initialize: ") + curl_easy_strerror(code));
  }
  return Status::Ok();
}

}  // namespace secinfo::channels
