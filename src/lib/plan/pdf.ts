/**
 * A minimal one-page PDF (1.4) holding one JPEG image over the whole page: catalog, pages,
 * page, image XObject (DCTDecode: the JPEG bytes as they are) and the content stream that
 * draws it; the cross-reference table gives each object's byte offset. No dependency.
 */

/** Paper sizes in PostScript points (1/72 inch), portrait. */
export const PAPER_PT = { A4: [595.28, 841.89], A3: [841.89, 1190.55] } as const;

export interface PdfImage {
  jpeg: Uint8Array;
  /** Pixel size of the JPEG. */
  width: number;
  height: number;
}

const ascii = (s: string) => new TextEncoder().encode(s);

/** Builds the PDF bytes: a page of `pageW` × `pageH` points with the image filling it. */
export function pdfWithImage(img: PdfImage, pageW: number, pageH: number): Uint8Array {
  const w = pageW.toFixed(2);
  const h = pageH.toFixed(2);
  const content = `q ${w} 0 0 ${h} 0 0 cm /Im0 Do Q\n`;
  const parts: Uint8Array[] = [];
  const offsets: number[] = [];
  let size = 0;
  const push = (b: Uint8Array) => {
    parts.push(b);
    size += b.length;
  };
  const obj = (n: number, body: Uint8Array[]) => {
    offsets[n] = size;
    push(ascii(`${n} 0 obj\n`));
    for (const b of body) push(b);
    push(ascii('\nendobj\n'));
  };
  // The comment of four bytes above 127 marks the file as binary for transfer programs.
  push(Uint8Array.of(...ascii('%PDF-1.4\n%'), 0xe2, 0xe3, 0xcf, 0xd3, 10));
  obj(1, [ascii('<< /Type /Catalog /Pages 2 0 R >>')]);
  obj(2, [ascii('<< /Type /Pages /Kids [3 0 R] /Count 1 >>')]);
  obj(3, [
    ascii(
      `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${w} ${h}] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>`
    )
  ]);
  obj(4, [
    ascii(
      `<< /Type /XObject /Subtype /Image /Width ${img.width} /Height ${img.height} /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length ${img.jpeg.length} >>\nstream\n`
    ),
    img.jpeg,
    ascii('\nendstream')
  ]);
  obj(5, [ascii(`<< /Length ${content.length} >>\nstream\n${content}endstream`)]);
  const xref = size;
  const rows = offsets.slice(1).map((o) => `${String(o).padStart(10, '0')} 00000 n \n`);
  push(
    ascii(
      `xref\n0 ${offsets.length}\n0000000000 65535 f \n${rows.join('')}trailer\n<< /Size ${offsets.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`
    )
  );
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
