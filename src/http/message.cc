#include "http/message.h"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace argus::http {

Response json_error(unsigned status, std::string_view error, std::string_view description) {
  boost::json::object o;
  o["error"] = error;
  o["error_description"] = description;
  Response r;
  r.status = status;
  r.body = boost::json::serialize(o);
  return r;
}

}  // namespace argus::http
