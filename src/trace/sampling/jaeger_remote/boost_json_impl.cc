// Compiles Boost.JSON (a Debian-packaged Boost library) into argus_trace, which does not link
// Boost::json: the remote sampler parses sampling strategies with it. Only this file includes
// the implementation.
#include <boost/json/src.hpp>
