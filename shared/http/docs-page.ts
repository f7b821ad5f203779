/** Placeholder replaced by the docs renderer. */
export const renderDocsPage = (doc: unknown): string => `<pre>${JSON.stringify(doc)}</pre>`;
