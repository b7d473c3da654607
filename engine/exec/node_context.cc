#include "engine/exec/node_context.h"

#include "engine/util/json_text.h"

namespace pd::exec {

nlohmann::json to_json(const NodeContextData& data) {
  nlohmann::json out = {{"workflow", data.workflow},        {"node", data.node},
                        {"executionId", data.execution_id}, {"config", data.config},
                        {"secrets", data.secrets},          {"serviceHosts", data.service_hosts}};
  if (!data.trigger.is_null()) out["trigger"] = data.trigger;
  if (data.kube) {
    out["k8s"] = {{"server", data.kube->server},
                  {"token", data.kube->token},
                  {"ca", data.kube->ca_pem},
                  {"namespace", data.kube->namespace_name}};
  }
  return out;
}

std::string environment_context_json(const NodeContextData& data) {
  nlohmann::json members = to_json(data);
  for (const char* key : {"node", "executionId", "trigger"}) members.erase(key);
  return members.dump();
}

std::string node_context_json(const std::string& node, const std::string& execution_id) {
  std::string out = "{\"node\":";
  out.reserve(node.size() + execution_id.size() + 32);
  append_json_string(out, node);
  out += ",\"executionId\":";
  append_json_string(out, execution_id);
  return out + "}";
}

const std::string& node_context_script() {
  static const std::string script = R"js((api) => {
  "use strict";
  // Runs once per V8 context; the function returned at the end runs once per node call, so
  // what does not depend on the call lives out here.
  const jsonable = (value) => {
    try { return JSON.parse(JSON.stringify(value ?? null)); } catch { return api.inspect(value); }
  };
  const text = (value) => (typeof value === "string" ? value : api.inspect(value));

  class Log {
    #data;
    constructor(data) { this.#data = data; }
    #write(level, message, args) {
      const d = this.#data;
      const line = [message, ...args].map(text).join(" ");
      api.log(level, `[${d.node}] ${level.toUpperCase()} ${line}`, {
        time: new Date().toISOString(), level, workflow: d.workflow, node: d.node,
        executionId: d.executionId, message: text(message), args: args.map(jsonable),
      });
    }
    info(message, ...args) { this.#write("info", message, args); }
    warn(message, ...args) { this.#write("warn", message, args); }
    error(message, ...args) { this.#write("error", message, args); }
    debug(message, ...args) { this.#write("debug", message, args); }
  }

  // ctx.fetch: a path that is a full URL is used as is, otherwise https://api.<service>.com<path>.
  // Credentials go only to the service's own hosts, and the caller's headers win.
  const fetchService = (data, service, path, init = {}) => {
    const url = String(path).startsWith("http") ? String(path) : `https://api.${service}.com${path}`;
    const headers = new Headers(init.headers ?? {});
    const own = `api.${service}.com`;
    let host = "";
    try { host = new URL(url).hostname; } catch { /* fetch reports the bad URL */ }
    const secret = (data.secrets ?? {})[service];
    if (secret && (host === own || ((data.serviceHosts ?? {})[service] ?? []).includes(host))) {
      if (secret.token && !headers.has("authorization")) headers.set("authorization", `Bearer ${secret.token}`);
      if (secret.api_key && !headers.has("x-api-key")) headers.set("x-api-key", secret.api_key);
    }
    return api.fetchAllowing(own, url, { ...init, headers });
  };

  // ctx.k8s: the cluster's API with the pod's service account (or the embedder's kubeconfig).
  const kResources = {
    pods: "v1", services: "v1", configmaps: "v1", secrets: "v1", namespaces: "v1", nodes: "v1",
    events: "v1", serviceaccounts: "v1", persistentvolumeclaims: "v1", endpoints: "v1",
    deployments: "apps/v1", statefulsets: "apps/v1", daemonsets: "apps/v1", replicasets: "apps/v1",
    jobs: "batch/v1", cronjobs: "batch/v1", ingresses: "networking.k8s.io/v1",
    roles: "rbac.authorization.k8s.io/v1", rolebindings: "rbac.authorization.k8s.io/v1",
  };
  const kClusterScoped = new Set(["namespaces", "nodes"]);
  let inPod;  // the service account, read once per context
  const kubeConfig = async (data) => {
    if (data.k8s) {
      const k = { ...data.k8s };
      k.client = Deno.createHttpClient({ caCerts: k.ca ? [k.ca] : [] });
      k.host = new URL(k.server).hostname;
      return k;
    }
    if (inPod) return inPod;
    const host = Deno.env.get("KUBERNETES_SERVICE_HOST");
    if (!host) {
      throw new Error("ctx.k8s: not running in a pod (KUBERNETES_SERVICE_HOST is not set) and no kubeconfig was given");
    }
    const port = Deno.env.get("KUBERNETES_SERVICE_PORT") ?? "443";
    const dir = "/var/run/secrets/kubernetes.io/serviceaccount";
    const k = {
      server: `https://${host.includes(":") ? `[${host}]` : host}:${port}`,
      token: (await Deno.readTextFile(`${dir}/token`)).trim(),
      namespace: (await Deno.readTextFile(`${dir}/namespace`)).trim(),
      ca: await Deno.readTextFile(`${dir}/ca.crt`),
    };
    k.client = Deno.createHttpClient({ caCerts: [k.ca] });
    k.host = new URL(k.server).hostname;
    inPod = k;
    return k;
  };
  class Kube {
    #data;
    constructor(data) { this.#data = data; }
    async #request(method, path, body) {
      const k = await kubeConfig(this.#data);
      const headers = { authorization: `Bearer ${k.token}`, accept: "application/json" };
      if (body !== undefined) headers["content-type"] = "application/json";
      const res = await api.fetchAllowing(k.host, `${k.server}${path}`, {
        method, client: k.client, headers, body: body === undefined ? undefined : JSON.stringify(body),
      });
      const raw = await res.text();
      let parsed = raw;
      try { parsed = JSON.parse(raw); } catch { /* not JSON */ }
      if (!res.ok) {
        const error = new Error(parsed?.message ?? `${res.status} ${res.statusText}`);
        Object.assign(error, { status: res.status, reason: parsed?.reason, body: parsed });
        throw error;
      }
      return parsed;
    }
    async #path(resource, name, options = {}) {
      if (String(resource).startsWith("/")) return String(resource);
      const k = await kubeConfig(this.#data);
      const apiVersion = options.apiVersion ?? kResources[resource];
      if (!apiVersion) throw new Error(`ctx.k8s: unknown resource "${resource}": pass { apiVersion } or a path`);
      const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      const ns = kClusterScoped.has(resource) ? "" : `/namespaces/${options.namespace ?? k.namespace}`;
      return `${base}${ns}/${resource}${name ? `/${name}` : ""}`;
    }
    async get(resource, name, options) { return this.#request("GET", await this.#path(resource, name, options)); }
    async list(resource, options = {}) {
      const q = new URLSearchParams();
      if (options.labelSelector) q.set("labelSelector", options.labelSelector);
      if (options.fieldSelector) q.set("fieldSelector", options.fieldSelector);
      const query = q.toString() ? `?${q}` : "";
      return (await this.#request("GET", `${await this.#path(resource, "", options)}${query}`)).items ?? [];
    }
    async request(method, path, body) { return this.#request(method, path, body); }
    async namespace() { return (await kubeConfig(this.#data)).namespace; }
  }

  class NodeContext {
    #data; #log; #k8s; #triggerText; #trigger;
    // ctx.trigger given as text is parsed on first read: a queue message's metadata is a few
    // hundred bytes most nodes never look at. It is an own, enumerable accessor with one
    // getter/setter pair for every ctx, so V8 keeps them all on one fast shape.
    static #readTrigger = function () {
      if (this.#triggerText !== undefined) {
        this.#trigger = api.parseJson(this.#triggerText);
        this.#triggerText = undefined;
      }
      return this.#trigger;
    };
    static #writeTrigger = function (value) {
      this.#triggerText = undefined;
      this.#trigger = value;
    };
    constructor(data, triggerText) {
      this.#data = data;
      this.workflow = data.workflow;
      this.node = data.node;
      this.executionId = data.executionId;
      this.config = data.config ?? {};
      this.secrets = data.secrets ?? {};
      if (triggerText !== undefined) {
        this.#triggerText = triggerText;
        api.defineAccessor(this, "trigger", NodeContext.#readTrigger, NodeContext.#writeTrigger);
      } else if (data.trigger !== undefined) {
        this.trigger = data.trigger;
      }
      this.fetch = (service, path, init) => fetchService(data, service, path, init);
    }
    get log() { return (this.#log ??= new Log(this.#data)); }
    get k8s() { return (this.#k8s ??= new Kube(this.#data)); }
  }
  return (data, triggerText) => new NodeContext(data, triggerText);
})js";
  return script;
}

}  // namespace pd::exec
