import { Schema } from 'mongoose';

/** A timed line of a transcript (subtitles): stored with a recording and with the answer it belongs to. */
export const cueSchema = new Schema({ start: { type: Number, required: true }, end: { type: Number, required: true }, text: { type: String, required: true } }, { _id: false });
