/** Pages a list the way GitHub does: `per_page` (30 by default, at most 100), `page`, and an RFC 5988 Link header. */

export interface Page<T> {
  items: T[];
  /** GitHub's `Link` header, absent when everything fits on one page. */
  link: string | undefined;
}

export function paginate<T>(items: T[], requestUrl: URL): Page<T> {
  const perPage = clamp(Number(requestUrl.searchParams.get("per_page") ?? 30), 1, 100);
  const page = Math.max(1, Number(requestUrl.searchParams.get("page") ?? 1) || 1);
  const lastPage = Math.max(1, Math.ceil(items.length / perPage));
  const pageUrl = (number: number) => {
    const url = new URL(requestUrl);
    url.searchParams.set("page", String(number));
    return url.toString();
  };
  // GitHub orders the relations prev, next, last, first and leaves out the ones that point nowhere.
  const relations: string[] = [];
  if (page > 1) relations.push(`<${pageUrl(Math.min(page - 1, lastPage))}>; rel="prev"`);
  if (page < lastPage) relations.push(`<${pageUrl(page + 1)}>; rel="next"`, `<${pageUrl(lastPage)}>; rel="last"`);
  if (page > 1) relations.push(`<${pageUrl(1)}>; rel="first"`);
  return {
    items: items.slice((page - 1) * perPage, page * perPage),
    link: relations.length ? relations.join(", ") : undefined,
  };
}

function clamp(value: number, min: number, max: number): number {
  return Number.isFinite(value) ? Math.min(max, Math.max(min, Math.trunc(value))) : min;
}
