/** Test files that are ZIPs: the document rules (OFD) and the import's sniffing (XLSX) read their central directory. */
/** A ZIP written by hand: entries with optional extra field and comment, then an EOCD with an optional comment. */
export function zip(
  entries: { name: string; extra?: number; comment?: number }[],
  { archiveComment = 0, first = 0x04034b50 }: { archiveComment?: number; first?: number } = {},
): { bytes: Uint8Array; eocdAt: number; cdAt: number } {
  const enc = new TextEncoder();
  const local = Buffer.alloc(30);
  local.writeUInt32LE(first, 0);
  const centrals = entries.map(({ name, extra = 0, comment = 0 }) => {
    const n = enc.encode(name);
    const c = Buffer.alloc(46 + n.length + extra + comment, 0x41);
    c.fill(0, 0, 46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE(n.length, 28);
    c.writeUInt16LE(extra, 30);
    c.writeUInt16LE(comment, 32);
    c.set(n, 46);
    return c;
  });
  const cd = Buffer.concat(centrals);
  const eocd = Buffer.alloc(22 + archiveComment, 0x20);
  eocd.fill(0, 0, 22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(entries.length, 8);
  eocd.writeUInt16LE(entries.length, 10);
  eocd.writeUInt32LE(cd.length, 12);
  eocd.writeUInt32LE(local.length, 16);
  eocd.writeUInt16LE(archiveComment, 20);
  const bytes = new Uint8Array(Buffer.concat([local, cd, eocd]));
  return { bytes, eocdAt: local.length + cd.length, cdAt: local.length };
}
