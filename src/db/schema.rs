// @generated automatically by Diesel CLI.

diesel::table! {
    app_settings (key) {
        key -> Text,
        value -> Nullable<Text>,
    }
}

diesel::table! {
    base_models (id) {
        id -> Text,
        name -> Text,
        family -> Text,
        media_type -> Text,
        created_at -> Text,
    }
}

diesel::table! {
    collapsed_stacks (stack_id) {
        stack_id -> Text,
    }
}

diesel::table! {
    collection_media (collection_id, media_id) {
        collection_id -> Integer,
        media_id -> Text,
        rating -> Integer,
        status -> Nullable<Text>,
        created_at -> Text,
    }
}

diesel::table! {
    collections (id) {
        id -> Integer,
        name -> Text,
        folded -> Text,
        smart_filter -> Nullable<Text>,
        n -> BigInt,
        created_at -> Text,
    }
}

diesel::table! {
    generation_inputs (id) {
        id -> Text,
        generation_id -> Text,
        media_id -> Nullable<Text>,
        position -> Integer,
        thumb_path -> Text,
        created_at -> Text,
    }
}

diesel::table! {
    generations (id) {
        id -> Text,
        base_model_id -> Nullable<Text>,
        provider -> Text,
        model_file -> Nullable<Text>,
        prompt -> Nullable<Text>,
        width -> Nullable<Integer>,
        height -> Nullable<Integer>,
        seed -> Nullable<BigInt>,
        steps -> Nullable<Integer>,
        guidance -> Nullable<Double>,
        sampling_method -> Nullable<Text>,
        params_json -> Nullable<Text>,
        status -> Text,
        total_time_ms -> Nullable<BigInt>,
        prompt_cache_hit -> Nullable<Bool>,
        ref_latent_cache_hit -> Nullable<Bool>,
        created_at -> Text,
    }
}

diesel::table! {
    keywords (id) {
        id -> Integer,
        name -> Text,
        folded -> Text,
        n -> BigInt,
        created_at -> Text,
    }
}

diesel::table! {
    media (id) {
        id -> Text,
        file_path -> Text,
        thumb_path -> Nullable<Text>,
        file_name -> Text,
        media_type -> Text,
        origin -> Text,
        width -> Nullable<Integer>,
        height -> Nullable<Integer>,
        file_size -> Nullable<BigInt>,
        rating -> Integer,
        status -> Nullable<Text>,
        generation_id -> Nullable<Text>,
        created_at -> Text,
        updated_at -> Text,
        content_hash -> Nullable<Text>,
        stack_id -> Nullable<Text>,
    }
}

diesel::table! {
    media_counts (rating, status) {
        rating -> Integer,
        status -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    media_labels (media_id) {
        media_id -> Text,
        label -> Text,
    }
}

diesel::table! {
    media_keywords (keyword_id, media_id) {
        keyword_id -> Integer,
        media_id -> Text,
        rating -> Integer,
        status -> Nullable<Text>,
        created_at -> Text,
    }
}

diesel::table! {
    member_counts (kind, owner, rating, status) {
        kind -> Text,
        owner -> Integer,
        rating -> Integer,
        status -> Text,
        n -> BigInt,
    }
}

diesel::table! {
    missing_originals (media_id) {
        media_id -> Text,
        noticed_at -> Text,
    }
}

diesel::table! {
    queue (id) {
        id -> Text,
        generation_id -> Text,
        status -> Text,
        priority -> Integer,
        error_message -> Nullable<Text>,
        created_at -> Text,
        started_at -> Nullable<Text>,
        completed_at -> Nullable<Text>,
        attempts -> Integer,
    }
}

diesel::table! {
    remote_requests (job_id) {
        job_id -> Text,
        provider -> Text,
        model -> Text,
        request_id -> Text,
        status_url -> Text,
        result_url -> Text,
        cancel_url -> Nullable<Text>,
        submitted_at -> Text,
        state -> Text,
    }
}

diesel::table! {
    xmp_pending (media_id) {
        media_id -> Text,
        token -> Binary,
    }
}

diesel::joinable!(collection_media -> collections (collection_id));
diesel::joinable!(collection_media -> media (media_id));
diesel::joinable!(generation_inputs -> generations (generation_id));
diesel::joinable!(generation_inputs -> media (media_id));
diesel::joinable!(generations -> base_models (base_model_id));
diesel::joinable!(media -> generations (generation_id));
diesel::joinable!(media_keywords -> keywords (keyword_id));
diesel::joinable!(media_keywords -> media (media_id));
diesel::joinable!(media_labels -> media (media_id));
diesel::joinable!(missing_originals -> media (media_id));
diesel::joinable!(queue -> generations (generation_id));
diesel::joinable!(remote_requests -> queue (job_id));

diesel::allow_tables_to_appear_in_same_query!(
    app_settings,
    base_models,
    collapsed_stacks,
    collection_media,
    collections,
    generation_inputs,
    keywords,
    generations,
    media,
    media_counts,
    media_keywords,
    media_labels,
    member_counts,
    missing_originals,
    queue,
    remote_requests,
    xmp_pending,
);
