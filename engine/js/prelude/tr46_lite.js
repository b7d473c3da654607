// Stands in for the npm package tr46 inside whatwg-url (esbuild alias): UTS #46 mapping
// approximated by NFKC + lowercase, and Punycode for non-ASCII labels. tr46's full mapping table
// would make every context (deserialized from the snapshot) ~2 ms slower, for hostnames that
// nodes essentially never use.
import punycode from "punycode/";

const kSeparators = /[.\u3002\uFF0E\uFF61]/;

function labelsOf(domain) {
  return domain.normalize("NFKC").toLowerCase().split(kSeparators);
}

export function toASCII(domain, { verifyDNSLength = false } = {}) {
  let labels;
  if (/^[\x00-\x7F]*$/.test(domain)) {
    labels = domain.toLowerCase().split(".");
  } else {
    try {
      labels = labelsOf(domain).map((l) => (/[^\x00-\x7F]/.test(l) ? `xn--${punycode.encode(l)}` : l));
    } catch {
      return null;
    }
  }
  if (verifyDNSLength) {
    const total = labels.join(".").length;
    if (total > 253 || total === 0 || labels.some((l) => l.length > 63 || l.length === 0)) return null;
  }
  return labels.join(".");
}

export function toUnicode(domain) {
  let error = false;
  const labels = labelsOf(domain).map((l) => {
    if (!l.startsWith("xn--")) return l;
    try {
      return punycode.decode(l.slice(4));
    } catch {
      error = true;
      return l;
    }
  });
  return { domain: labels.join("."), error };
}

export default { toASCII, toUnicode };
