/**
 * Signed download and upload URLs, shaped like Azure SAS URLs (`sp`, `se`, `sig`): the fakes hand them out the way
 * GitHub hands out storage URLs, and refuse any request whose signature, expiry or permission does not hold.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export type UrlVerdict = { ok: true } | { ok: false; reason: string };

export class UrlSigner {
  private readonly secret = randomBytes(32);

  /** `permissions` uses SAS letters: r(ead), c(reate), w(rite), d(elete). */
  sign(url: URL, permissions: string, ttlSeconds = 3600): string {
    const signed = new URL(url);
    const expiry = new Date(Date.now() + ttlSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, "Z");
    signed.searchParams.set("sv", "2025-01-05");
    signed.searchParams.set("sr", "b");
    signed.searchParams.set("sp", permissions);
    signed.searchParams.set("se", expiry);
    signed.searchParams.set("sig", this.signature(signed.pathname, permissions, expiry));
    return signed.toString();
  }

  verify(url: URL, needed: string): UrlVerdict {
    const permissions = url.searchParams.get("sp");
    const expiry = url.searchParams.get("se");
    const signature = url.searchParams.get("sig");
    if (!permissions || !expiry || !signature)
      return { ok: false, reason: "the URL carries no signature (sp, se, sig)" };
    const expected = Buffer.from(this.signature(url.pathname, permissions, expiry));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
      return { ok: false, reason: "the signature does not match the URL" };
    }
    if (Date.parse(expiry) <= Date.now()) return { ok: false, reason: `the URL expired at ${expiry}` };
    if (![...needed].every((letter) => permissions.includes(letter))) {
      return { ok: false, reason: `the URL grants "${permissions}" but the operation needs "${needed}"` };
    }
    return { ok: true };
  }

  private signature(pathname: string, permissions: string, expiry: string): string {
    return createHmac("sha256", this.secret).update(`${permissions}\n${expiry}\n${pathname}`).digest("base64url");
  }
}
