// `argus clients create|get|list|update|delete|delete-tokens` (admin API) and
// `argus token client` (public API, client credentials grant), like Hydra's CLI: --endpoint,
// output as a table or JSON.
#include <boost/json.hpp>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/http_client.h"

namespace argus::cli {
namespace json = boost::json;
namespace {

struct ApiFlags {
  std::string endpoint;
  std::string format = "table";
};

struct ClientFlags {
  std::string id, name, secret, auth_method;
  std::vector<std::string> grant_types, response_types, scopes, redirect_uris, audience;
};

void add_api_flags(CLI::App* cmd, ApiFlags& f, const std::string& fallback, const char* env) {
  f.endpoint = fallback;
  cmd->add_option("-e,--endpoint", f.endpoint, "API base URL")->envname(env)->capture_default_str();
  cmd->add_option("--format", f.format, "Output format")
      ->check(CLI::IsMember({"table", "json"}))
      ->capture_default_str();
}

void add_client_flags(CLI::App* cmd, ClientFlags& f) {
  cmd->add_option("--id", f.id, "Client ID (generated when omitted)");
  cmd->add_option("-n,--name", f.name, "Client name");
  cmd->add_option("--secret", f.secret, "Client secret (generated when omitted)");
  cmd->add_option("-g,--grant-type", f.grant_types, "Grant types (repeatable or comma-separated)")
      ->delimiter(',');
  cmd->add_option("-r,--response-type", f.response_types, "Response types")->delimiter(',');
  cmd->add_option("-s,--scope", f.scopes, "Scopes (repeatable or comma-separated)")->delimiter(',');
  cmd->add_option("-c,--redirect-uri", f.redirect_uris, "Redirect URIs")->delimiter(',');
  cmd->add_option("-a,--audience", f.audience, "Allowed audiences")->delimiter(',');
  cmd->add_option("--token-endpoint-auth-method", f.auth_method,
                  "client_secret_basic, client_secret_post or none");
}

json::array to_array(const std::vector<std::string>& v) {
  json::array a;
  for (const auto& s : v) a.emplace_back(s);
  return a;
}

std::string client_body(const ClientFlags& f) {
  json::object o;
  if (!f.id.empty()) o["client_id"] = f.id;
  if (!f.name.empty()) o["client_name"] = f.name;
  if (!f.secret.empty()) o["client_secret"] = f.secret;
  if (!f.grant_types.empty()) o["grant_types"] = to_array(f.grant_types);
  if (!f.response_types.empty()) o["response_types"] = to_array(f.response_types);
  std::string scope;
  for (const auto& s : f.scopes) scope += (scope.empty() ? "" : " ") + s;
  if (!scope.empty()) o["scope"] = scope;
  if (!f.redirect_uris.empty()) o["redirect_uris"] = to_array(f.redirect_uris);
  if (!f.audience.empty()) o["audience"] = to_array(f.audience);
  if (!f.auth_method.empty()) o["token_endpoint_auth_method"] = f.auth_method;
  return json::serialize(o);
}

std::string cell(const json::value* v) {
  if (!v || v->is_null()) return "";
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_array()) {
    std::string out;
    for (const auto& item : v->get_array()) {
      out += (out.empty() ? "" : ", ") +
             (item.is_string() ? std::string(item.get_string()) : json::serialize(item));
    }
    return out;
  }
  return json::serialize(*v);
}

std::string table(const std::vector<std::string>& headers,
                  const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width(headers.size());
  for (std::size_t i = 0; i < headers.size(); ++i) width[i] = headers[i].size();
  for (const auto& r : rows) {
    for (std::size_t i = 0; i < r.size() && i < width.size(); ++i)
      width[i] = std::max(width[i], r[i].size());
  }
  std::ostringstream out;
  auto line = [&](const std::vector<std::string>& r) {
    for (std::size_t i = 0; i < headers.size(); ++i) {
      std::string c = i < r.size() ? r[i] : "";
      out << c;
      if (i + 1 < headers.size()) out << std::string(width[i] - c.size() + 2, ' ');
    }
    out << "\n";
  };
  line(headers);
  for (const auto& r : rows) line(r);
  return out.str();
}

const std::vector<std::pair<std::string, std::string>> kClientColumns = {
    {"CLIENT ID", "client_id"},     {"CLIENT SECRET", "client_secret"},   {"NAME", "client_name"},
    {"GRANT TYPES", "grant_types"}, {"RESPONSE TYPES", "response_types"}, {"SCOPE", "scope"},
    {"AUDIENCE", "audience"},       {"REDIRECT URIS", "redirect_uris"}};

std::string clients_table(const json::value& v) {
  std::vector<std::string> headers;
  for (const auto& c : kClientColumns) headers.push_back(c.first);
  std::vector<std::vector<std::string>> rows;
  auto add = [&](const json::value& item) {
    if (!item.is_object()) return;
    std::vector<std::string> row;
    for (const auto& c : kClientColumns)
      row.push_back(cell(item.get_object().if_contains(c.second)));
    rows.push_back(std::move(row));
  };
  if (v.is_array()) {
    for (const auto& item : v.get_array()) add(item);
  } else {
    add(v);
  }
  return table(headers, rows);
}

// Prints the API's answer; non-2xx answers become one error line (Ory's error JSON if present).
int print_response(const trace::Expected<HttpResponse>& r, const ApiFlags& f,
                   std::string (*as_table)(const json::value&)) {
  if (!r) {
    std::cerr << "error: " << r.error().message << "\n";
    return kExitFailure;
  }
  boost::system::error_code ec;
  json::value body = r->body.empty() ? json::value() : json::parse(r->body, ec);
  if (r->status < 200 || r->status >= 300) {
    std::string detail = r->body.substr(0, 300);
    if (!ec && body.is_object()) {
      const auto& o = body.get_object();
      detail = cell(o.if_contains("error"));
      std::string desc = cell(o.if_contains("error_description"));
      if (!desc.empty()) detail += ": " + desc;
    }
    std::cerr << "error: the server answered " << r->status << ": " << detail << "\n";
    return kExitFailure;
  }
  if (ec) {
    std::cerr << "error: the server's answer is not JSON\n";
    return kExitFailure;
  }
  if (body.is_null()) return kExitOk;
  std::cout << (f.format == "json" ? json::serialize(body) + "\n" : as_table(body));
  return kExitOk;
}

std::string base_url(const std::string& endpoint) {
  std::string b = endpoint;
  while (!b.empty() && b.back() == '/') b.pop_back();
  return b;
}

trace::Expected<HttpResponse> call(const std::string& method, const std::string& url,
                                   const std::string& body = {}) {
  HttpRequest req;
  req.method = method;
  req.url = url;
  req.body = body;
  req.headers.emplace_back("Accept", "application/json");
  if (!body.empty()) req.headers.emplace_back("Content-Type", "application/json");
  return http_send(req);
}

std::string base64(std::string_view in) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned n = (static_cast<unsigned char>(in[i]) << 16) |
                 (static_cast<unsigned char>(in[i + 1]) << 8) |
                 static_cast<unsigned char>(in[i + 2]);
    for (int s : {18, 12, 6, 0}) out.push_back(kAlphabet[(n >> s) & 63]);
  }
  if (i < in.size()) {
    unsigned n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(i + 1 < in.size() ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

std::string token_table(const json::value& v) {
  std::vector<std::vector<std::string>> rows;
  if (v.is_object()) {
    const auto& o = v.get_object();
    rows.push_back({cell(o.if_contains("access_token")), cell(o.if_contains("token_type")),
                    cell(o.if_contains("expires_in")), cell(o.if_contains("scope"))});
  }
  return table({"ACCESS TOKEN", "TOKEN TYPE", "EXPIRES IN", "SCOPE"}, rows);
}

constexpr const char* kAdminDefault = "http://127.0.0.1:4445";
constexpr const char* kPublicDefault = "http://127.0.0.1:4444";

// A subcommand sending DELETE to the admin API once per ID given, and printing each ID that
// succeeded, as Hydra's CLI does.
void add_delete_command(CLI::App* parent, int& exit_code, const std::string& name,
                        const std::string& description,
                        std::function<std::string(const std::string&)> path_of) {
  auto api = std::make_shared<ApiFlags>();
  auto ids = std::make_shared<std::vector<std::string>>();
  auto* cmd = parent->add_subcommand(name, description);
  add_api_flags(cmd, *api, kAdminDefault, "ARGUS_ADMIN_URL");
  cmd->add_option("ID", *ids, "Client IDs")->required();
  cmd->callback([=, &exit_code] {
    exit_code = kExitOk;
    for (const auto& id : *ids) {
      int rc = print_response(call("DELETE", base_url(api->endpoint) + path_of(id)), *api,
                              clients_table);
      if (rc == kExitOk) {
        std::cout << (api->format == "json" ? json::serialize(json::value(id)) : id) << "\n";
      } else {
        exit_code = rc;
      }
    }
  });
}

}  // namespace

void register_clients(CLI::App& app, int& exit_code) {
  auto* clients = app.add_subcommand("clients", "Manage OAuth2 clients through the admin API");
  clients->require_subcommand(1);

  auto create_api = std::make_shared<ApiFlags>();
  auto create_client = std::make_shared<ClientFlags>();
  auto* create = clients->add_subcommand("create", "Create a client (POST /admin/clients)");
  add_api_flags(create, *create_api, kAdminDefault, "ARGUS_ADMIN_URL");
  add_client_flags(create, *create_client);
  create->callback([=, &exit_code] {
    exit_code = print_response(call("POST", base_url(create_api->endpoint) + "/admin/clients",
                                    client_body(*create_client)),
                               *create_api, clients_table);
  });

  auto get_api = std::make_shared<ApiFlags>();
  auto get_ids = std::make_shared<std::vector<std::string>>();
  auto* get = clients->add_subcommand("get", "Show clients (GET /admin/clients/ID)");
  add_api_flags(get, *get_api, kAdminDefault, "ARGUS_ADMIN_URL");
  get->add_option("ID", *get_ids, "Client IDs")->required();
  get->callback([=, &exit_code] {
    exit_code = kExitOk;
    for (const auto& id : *get_ids) {
      int rc = print_response(
          call("GET", base_url(get_api->endpoint) + "/admin/clients/" + path_escape(id)), *get_api,
          clients_table);
      if (rc != kExitOk) exit_code = rc;
    }
  });

  auto list_api = std::make_shared<ApiFlags>();
  auto page_size = std::make_shared<int>(0);
  auto page_token = std::make_shared<std::string>();
  auto* list = clients->add_subcommand("list", "List clients (GET /admin/clients)");
  add_api_flags(list, *list_api, kAdminDefault, "ARGUS_ADMIN_URL");
  list->add_option("--page-size", *page_size, "Clients per page")->check(CLI::Range(1, 1000));
  list->add_option("--page-token", *page_token, "Page token from a previous listing");
  list->callback([=, &exit_code] {
    std::string url = base_url(list_api->endpoint) + "/admin/clients";
    std::string sep = "?";
    if (*page_size > 0) {
      url += sep + "page_size=" + std::to_string(*page_size);
      sep = "&";
    }
    if (!page_token->empty()) url += sep + "page_token=" + form_escape(*page_token);
    auto r = call("GET", url);
    exit_code = print_response(r, *list_api, clients_table);
    if (r && exit_code == kExitOk && list_api->format == "table") {
      std::string link = r->header("Link");
      if (!link.empty()) std::cout << "\nLink: " << link << "\n";
    }
  });

  auto update_api = std::make_shared<ApiFlags>();
  auto update_client = std::make_shared<ClientFlags>();
  auto update_id = std::make_shared<std::string>();
  auto* update = clients->add_subcommand(
      "update", "Replace a client's settings (PUT /admin/clients/ID); omitted fields are cleared");
  add_api_flags(update, *update_api, kAdminDefault, "ARGUS_ADMIN_URL");
  update->add_option("ID", *update_id, "Client ID")->required();
  add_client_flags(update, *update_client);
  update->callback([=, &exit_code] {
    ClientFlags f = *update_client;
    f.id = *update_id;
    exit_code = print_response(
        call("PUT", base_url(update_api->endpoint) + "/admin/clients/" + path_escape(*update_id),
             client_body(f)),
        *update_api, clients_table);
  });

  add_delete_command(clients, exit_code, "delete", "Delete clients (DELETE /admin/clients/ID)",
                     [](const std::string& id) { return "/admin/clients/" + path_escape(id); });
  add_delete_command(
      clients, exit_code, "delete-tokens",
      "Delete every access token of clients (DELETE /admin/oauth2/tokens?client_id=ID)",
      [](const std::string& id) { return "/admin/oauth2/tokens?client_id=" + form_escape(id); });
}

void register_token(CLI::App& app, int& exit_code) {
  auto* token = app.add_subcommand("token", "Obtain OAuth2 tokens from the public API");
  token->require_subcommand(1);
  struct TokenArgs {
    ApiFlags api;
    std::string client_id, client_secret;
    std::vector<std::string> scopes, audience;
  };
  auto args = std::make_shared<TokenArgs>();
  auto* client = token->add_subcommand(
      "client", "Client credentials grant (POST /oauth2/token), prints the access token");
  add_api_flags(client, args->api, kPublicDefault, "ARGUS_PUBLIC_URL");
  client->add_option("--client-id", args->client_id, "Client ID")
      ->required()
      ->envname("ARGUS_CLIENT_ID");
  client->add_option("--client-secret", args->client_secret, "Client secret")
      ->required()
      ->envname("ARGUS_CLIENT_SECRET");
  client->add_option("--scope", args->scopes, "Requested scopes")->delimiter(',');
  client->add_option("--audience", args->audience, "Requested audiences")->delimiter(',');
  client->callback([args, &exit_code] {
    HttpRequest req;
    req.method = "POST";
    req.url = base_url(args->api.endpoint) + "/oauth2/token";
    req.headers.emplace_back("Content-Type", "application/x-www-form-urlencoded");
    req.headers.emplace_back("Accept", "application/json");
    // RFC 6749 2.3.1: id and secret are form-encoded before Basic encoding.
    req.headers.emplace_back("Authorization", "Basic " + base64(form_escape(args->client_id) + ":" +
                                                                form_escape(args->client_secret)));
    req.body = "grant_type=client_credentials";
    std::string scope;
    for (const auto& s : args->scopes) scope += (scope.empty() ? "" : " ") + s;
    if (!scope.empty()) req.body += "&scope=" + form_escape(scope);
    for (const auto& a : args->audience) req.body += "&audience=" + form_escape(a);
    exit_code = print_response(http_send(req), args->api, token_table);
  });
}

}  // namespace argus::cli
