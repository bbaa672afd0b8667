#pragma once

#include <kainjow/mustache.hpp>
#include <string>
#include <string_view>

#include "http/message.h"

namespace secinfo::web {

using Data = kainjow::mustache::data;
using Object = kainjow::mustache::object;
using List = kainjow::mustache::list;

// Renders templates/<name>.mustache inside templates/layout.mustache. Templates are compiled into
// the binary; values are HTML-escaped unless a template uses {{{triple}}} braces on purpose.
// Thread-safe.
std::string RenderPage(std::string_view name, const Data& data);

// A rendered page as a response.
http::Response Page(std::string_view name, const Data& data, int status = 200);

// A static file (style sheet, script) with its content type, or nullopt.
std::optional<http::Response> StaticFile(std::string_view path);

}  // namespace secinfo::web
