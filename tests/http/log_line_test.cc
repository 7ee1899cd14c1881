// log_message: a line in the log's current format. In JSON, the message is one escaped field that
// survives quotes, backslashes, line breaks, control characters and invalid UTF-8.
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include <boost/json/parse.hpp>
#include <sstream>

#include "http/observe.h"

namespace argus::http {
namespace {

class LogLine : public ::testing::Test {
 protected:
  LogOutput output(const char* pattern, bool json) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(lines_);
    sink->set_pattern(pattern);
    return LogOutput{std::make_shared<spdlog::logger>("test", sink), json};
  }
  std::ostringstream lines_;
  // The service's patterns wrap the fields the same way: "{...%v}" in JSON.
  LogSwitch log_{output("%l %v", false), output(R"({"level":"%l",%v})", true), true};
};

TEST_F(LogLine, JsonMessageIsOneEscapedField) {
  const std::string msg = "purge failed: \"quoted\" \\ back\nDETAIL:\tsecond line\x01 end";
  log_message(log_, spdlog::level::warn, msg);
  std::string out = lines_.str();
  ASSERT_EQ(out.find('\n'), out.size() - 1) << "one line: " << out;
  boost::system::error_code ec;
  auto v = boost::json::parse(out, ec);
  ASSERT_FALSE(ec) << out;
  EXPECT_EQ(v.at("msg").as_string(), msg);
  EXPECT_EQ(v.at("level").as_string(), "warning");
}

TEST_F(LogLine, InvalidUtf8BecomesReplacementCharacters) {
  log_message(log_, spdlog::level::info, "bad \xff\xc3 byte");
  boost::system::error_code ec;
  auto v = boost::json::parse(lines_.str(), ec);  // Boost.JSON rejects invalid UTF-8
  ASSERT_FALSE(ec) << lines_.str();
  EXPECT_EQ(v.at("msg").as_string(), "bad \xef\xbf\xbd\xef\xbf\xbd byte");
}

TEST_F(LogLine, TextFormatWritesTheMessageAndLevelsFilter) {
  log_.use_json(false);
  log_.set_level(spdlog::level::warn);
  log_message(log_, spdlog::level::info, "not shown");
  log_message(log_, spdlog::level::err, "shown \"as is\"");
  EXPECT_EQ(lines_.str(), "error shown \"as is\"\n");
}

}  // namespace
}  // namespace argus::http
