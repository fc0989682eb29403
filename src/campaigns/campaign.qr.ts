import QRCode from 'qrcode';

/**
 * The QR code of a campaign's public respondent link, made on this server by the `qrcode`
 * package (no external service, no CDN). Deterministic: the same URL always gives the same
 * code. Error correction M (15 %) survives a crease or a pin through a printed poster; a quiet
 * zone of 4 modules, as the standard asks.
 */
const OPTIONS = { errorCorrectionLevel: 'M', margin: 4 } as const;

/** An SVG document (scales to any poster size). */
export async function qrSvg(url: string): Promise<string> {
  return QRCode.toString(url, { ...OPTIONS, type: 'svg' });
}

/** A PNG, 1024 px wide: sharp on an A4 poster. */
export async function qrPng(url: string): Promise<Buffer> {
  return QRCode.toBuffer(url, { ...OPTIONS, type: 'png', width: 1024 });
}
