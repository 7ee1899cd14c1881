// Path segments and route matching: the allocation-free walk keeps split_path's semantics, and
// a malformed parameter is a 400 only for routes of the request's shape.
#include "http/router.h"

#include <gtest/gtest.h>

namespace argus::http {
namespace {
using boost::beast::http::verb;

std::vector<std::string> segments(std::string_view path) {
  std::vector<std::string> out;
  PathSegments walk(path);
  for (std::string_view seg; walk.next(seg);) out.emplace_back(seg);
  return out;
}

TEST(PathSegments, MatchSplitPath) {
  using V = std::vector<std::string>;
  EXPECT_EQ(segments("/a/b/c"), (V{"a", "b", "c"}));
  EXPECT_EQ(segments("/"), V{});
  EXPECT_EQ(segments(""), V{});
  EXPECT_EQ(segments("/a/b/"), (V{"a", "b"}));  // a trailing slash adds nothing
  EXPECT_EQ(segments("/a//b"), (V{"a", "", "b"}));
  EXPECT_EQ(segments("a/b"), (V{"a", "b"}));
  for (std::string_view p : {"/a/b/c", "/", "", "/a/b/", "/a//b", "//", "/x/"}) {
    auto split = split_path(p);
    EXPECT_EQ(segments(p), std::vector<std::string>(split.begin(), split.end())) << p;
  }
}

Router sample_router() {
  Router router;
  auto ok = [](Request&) { return Response{}; };
  router.add({verb::get, "/clients", ok});
  router.add({verb::get, "/clients/{id}", ok});
  router.add({verb::put, "/clients/{id}", ok});
  router.add({verb::get, "/clients/{id}/secret", ok});
  return router;
}

TEST(Router, FindsRoutesAndDecodesParameters) {
  Router router = sample_router();
  auto m = router.match(verb::get, "/clients/a%20b");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.route->pattern, "/clients/{id}");
  ASSERT_EQ(m.params.size(), 1u);
  EXPECT_EQ(m.params[0].first, "id");
  EXPECT_EQ(m.params[0].second, "a b");
  EXPECT_EQ(router.match(verb::get, "/clients/x/secret").route->pattern, "/clients/{id}/secret");
  EXPECT_EQ(router.match(verb::get, "/clients/").route->pattern, "/clients");
}

TEST(Router, WrongMethodListsTheAllowedOnes) {
  auto m = sample_router().match(verb::delete_, "/clients/a");
  EXPECT_EQ(m.kind, RouteMatch::Kind::kMethodNotAllowed);
  EXPECT_EQ(m.allowed, "GET, PUT");
}

TEST(Router, MalformedParametersOnlyCountForRoutesOfTheSameShape) {
  Router router = sample_router();
  EXPECT_EQ(router.match(verb::get, "/clients/%zz").kind, RouteMatch::Kind::kBadPath);
  EXPECT_EQ(router.match(verb::get, "/clients/%ff%fe").kind, RouteMatch::Kind::kBadPath);
  EXPECT_EQ(router.match(verb::get, "/clients/%zz/a/b").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router.match(verb::get, "/other/x").kind, RouteMatch::Kind::kNotFound);
  EXPECT_EQ(router.match(verb::get, "/clients//secret").kind, RouteMatch::Kind::kBadPath);
}

TEST(Router, NonAsciiParametersAreValidatedAsUtf8) {
  auto m = sample_router().match(verb::get, "/clients/%C3%A9t%C3%A9");
  ASSERT_EQ(m.kind, RouteMatch::Kind::kFound);
  EXPECT_EQ(m.params[0].second, "\xC3\xA9t\xC3\xA9");
}

}  // namespace
}  // namespace argus::http
