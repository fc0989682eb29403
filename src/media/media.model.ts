import mongoose, { Schema, type InferSchemaType } from 'mongoose';

import { cueSchema } from './cue.schema.js';

export { cueSchema };

/**
 * One stored recording (video or audio answer). Written once, after its bytes are completely in
 * the store: a document never points at half a file. `_id` is derived from the device and the
 * upload's idempotency key, so a retried upload finds the first one by `_id` (the only lookup
 * FerretDB 1.x indexes).
 */
const mediaSchema = new Schema(
  {
    _id: { type: String, required: true },
    campaignId: { type: Schema.Types.ObjectId, required: true, index: true },
    /** The draft/response `_id` this recording belongs to (`d_<hash of the device cookie>`). */
    ownerKey: { type: String, required: true },
    questionKey: { type: String, required: true },
    /** Key in the media store; never derived from the uploaded file's name. */
    storageKey: { type: String, required: true },
    store: { type: String, enum: ['fs', 'gridfs'], required: true },
    kind: { type: String, enum: ['video', 'audio'], required: true },
    mime: { type: String, required: true },
    ext: { type: String, required: true },
    size: { type: Number, required: true },
    durationSec: { type: Number },
    /** The uploaded file's name, shown to leads only as information. */
    originalName: { type: String, default: '' },
    /** True when ffmpeg remuxed the file without its container metadata (see README). */
    metadataStripped: { type: Boolean, default: false },
    /** Automatic transcription (TRANSCRIBE_URL): none = not configured or not wanted. */
    transcription: {
      type: new Schema(
        {
          status: { type: String, enum: ['none', 'pending', 'done', 'failed'], default: 'none' },
          text: { type: String, default: '' },
          cues: { type: [cueSchema], default: [] },
          error: { type: String, default: '' },
          at: Date,
        },
        { _id: false },
      ),
      default: () => ({}),
    },
  },
  { timestamps: true, collection: 'media' },
);

export const MediaModel = mongoose.model('Media', mediaSchema);
export type MediaRecord = InferSchemaType<typeof mediaSchema>;
